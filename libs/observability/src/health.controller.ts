import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from './metrics';
import { Readiness } from './health';

/** `/health` (the process runs), `/ready` (its dependencies answer) and `/metrics` (Prometheus text). */
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly metrics: Metrics,
  ) {}

  @Get('health')
  health(): { status: 'ok'; app: string; uptimeSec: number } {
    return { status: 'ok', app: this.metrics.app, uptimeSec: Math.round(process.uptime()) };
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.readiness.report();
    res.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async text(@Res() res: Response): Promise<void> {
    res.type(this.metrics.contentType).send(await this.metrics.text());
  }
}
