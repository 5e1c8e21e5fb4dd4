import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEVICE_KINDS } from '@lg/contracts';

export class BulkAckRequestDto {
  @ApiProperty({
    maxLength: 500,
    example: '网络恢复，离线告警均已解除 / network back, offline alerts cleared',
  })
  note!: string;
  @ApiPropertyOptional({ type: [String], maxItems: 2000, description: 'These alerts (else the filter)' })
  ids?: string[];
  @ApiPropertyOptional({ enum: DEVICE_KINDS }) kind?: string;
  @ApiPropertyOptional({ example: 'C01' }) owner?: string;
  @ApiPropertyOptional({ example: 'truck.offline' }) rule?: string;
  @ApiPropertyOptional({ enum: ['blue', 'yellow', 'orange'] }) severity?: string;
}

class BulkSkippedDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['red', 'active', 'changed', 'missing'] }) reason!: string;
}

export class BulkAckResultDto {
  @ApiProperty({ type: [String] }) acknowledged!: string[];
  @ApiProperty({ type: [BulkSkippedDto] }) skipped!: BulkSkippedDto[];
  @ApiProperty({ description: 'More alerts match the filter than one request takes' }) more!: boolean;
}
