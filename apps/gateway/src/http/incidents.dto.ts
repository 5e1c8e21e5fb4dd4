import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEVICE_KINDS, SEVERITIES } from '@lg/contracts';
import { AlertDto } from './dto';

export class IncidentDto {
  @ApiProperty({ example: 'i~truck.offline~C01~mbq3k0' }) id!: string;
  @ApiProperty({ example: 'rule=truck.offline|owner=C01', description: 'The grouping key' }) key!: string;
  @ApiPropertyOptional({ example: 'truck.offline', description: 'Set when every member has it' })
  rule?: string;
  @ApiPropertyOptional({ enum: DEVICE_KINDS }) kind?: string;
  @ApiPropertyOptional({ example: 'C01' }) owner?: string;
  @ApiPropertyOptional({ example: 'ST-BJ' }) street?: string;
  @ApiProperty({ example: '2026-05-01T08:00:00.000Z' }) openedAt!: string;
  @ApiProperty({ example: '2026-05-01T08:01:40.000Z', description: 'When the latest member joined' })
  lastAt!: string;
  @ApiProperty({ example: 50, description: 'Members so far' }) size!: number;
  @ApiProperty({ example: 50, description: 'Members still open' }) open!: number;
  @ApiProperty({ example: 50 }) active!: number;
  @ApiProperty({ example: 50 }) unacknowledged!: number;
  @ApiProperty({ example: 0, description: 'Open red members (each is shown on its own as well)' })
  red!: number;
  @ApiProperty({ enum: SEVERITIES, nullable: true, description: 'Top severity of the open members' })
  severity!: string | null;
  @ApiPropertyOptional({ type: [AlertDto], description: 'One incident only: its members, newest first' })
  alerts?: AlertDto[];
}

export class IncidentAckRequestDto {
  @ApiPropertyOptional({ maxLength: 500, example: '移动网络故障，已通知运营商 / mobile network outage' })
  note?: string;
  @ApiPropertyOptional({
    enum: SEVERITIES,
    description: 'The highest severity the person saw: members above it are left, as raised',
  })
  severity?: string;
}

class SkippedMemberDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['red', 'raised', 'changed', 'closed'] }) reason!: string;
}

export class IncidentAckResultDto {
  @ApiProperty({ type: IncidentDto }) incident!: IncidentDto;
  @ApiProperty({ type: [String] }) acknowledged!: string[];
  @ApiProperty({ type: [SkippedMemberDto], description: 'Members left to be taken on their own' })
  skipped!: SkippedMemberDto[];
}
