import { Controller, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from '../contract/openapi-zod';
import { SEVERITIES, type NotificationDelivery } from '@lg/contracts';
import { CurrentUser, type Principal } from '@lg/auth';
import { MAX_LINK_TOKEN } from '@lg/notifications';
import { NotificationsService, type LinkOutcome } from '../access/notifications.service';
import { alertIdSchema } from '../contract/queries';
import { notificationDeliverySchema } from '../contract/responses';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { ZodParam } from './zod.pipe';

@ApiController('api/alerts', { tag: 'alerts' })
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get(':id/notifications')
  @ApiRoute({
    summary:
      'The notifications of an alert (SMS, e-mail, webhook) and where each delivery stands, newest first',
    description: 'A company user sees only its own trucks’ alerts (another one is 404). At most 200.',
    ok: z.array(notificationDeliverySchema),
    errors: { 404: '' },
  })
  list(
    @CurrentUser() user: Principal,
    @ZodParam('id', alertIdSchema) id: string,
  ): Promise<NotificationDelivery[]> {
    return this.notifications.forAlert(user, id);
  }
}

const seenSchema = z.enum(SEVERITIES).optional();

/**
 * The page an acknowledgement link opens (no login: the link is the credential). Opening it changes
 * nothing (mail scanners open links); its button acknowledges. A tampered link, or one whose alert is
 * gone, gets a page that says so. Not in the API document: it is a page for people, not an API route.
 */
@Controller('ack')
export class AckLinkController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get(':token')
  @Header('Cache-Control', 'no-store')
  async show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const outcome =
      token.length > MAX_LINK_TOKEN ? ({ t: 'invalid' } as const) : await this.notifications.check(token);
    page(res, outcome, token);
  }

  @Post(':token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async acknowledge(
    @Param('token') token: string,
    @Query('seen') seen: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const parsed = seenSchema.safeParse(seen);
    const outcome =
      token.length > MAX_LINK_TOKEN || !parsed.success
        ? ({ t: 'invalid' } as const)
        : await this.notifications.acknowledge(token, parsed.data);
    page(res, outcome, token);
  }
}

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const STATUS: Record<LinkOutcome['t'], number> = {
  invalid: 403,
  gone: 410,
  ready: 200,
  acknowledged: 200,
  changed: 409,
};

/** A small bilingual page; no script, so a strict CSP. */
function page(res: Response, o: LinkOutcome, token: string): void {
  let body: string;
  switch (o.t) {
    case 'invalid':
      body =
        '<h1>链接无效 · Link not valid</h1><p>此确认链接已被改动或并非本平台签发。请登录指挥平台处置。</p>' +
        '<p>This acknowledgement link was altered or was not issued by this platform. Please use the dashboard.</p>';
      break;
    case 'gone':
      body =
        '<h1>告警已不存在 · Alert no longer exists</h1><p>该告警已关闭并归档，链接随之失效。</p>' +
        '<p>The alert was closed and archived; its link expired with it.</p>';
      break;
    case 'ready':
      body =
        `<h1>确认告警 · Acknowledge</h1>${summary(o.alert)}<p>${esc(o.contact.name)}，请确认您已收到并着手处置：</p>` +
        `<form method="post" action="/ack/${esc(encodeURIComponent(token))}?seen=${o.alert.severity}">` +
        '<button type="submit" id="ack">确认 · Acknowledge</button></form>';
      break;
    case 'acknowledged': {
      const a = o.alert;
      const taken = a.acknowledged
        ? `已由 ${esc(a.ackedBy ?? '')} 于 ${esc(a.ackedAt ?? '')} 确认 · acknowledged by ${esc(a.ackedBy ?? '')}`
        : `已由企业确认，仍待指挥中心确认 · taken for the company; the command centre must still acknowledge it`;
      body = `<h1 id="done">${o.byThisLink ? '已确认 · Acknowledged' : '此前已确认 · Already acknowledged'}</h1>${summary(a)}<p>${taken}</p>`;
      break;
    }
    case 'changed':
      body =
        `<h1>告警已变化 · The alert changed</h1>${summary(o.alert)}<p>告警在您查看后升级或复发，请重新打开链接确认当前状态。</p>` +
        '<p>It was raised or reopened since you opened the page: open the link again to acknowledge what it is now.</p>';
      break;
  }
  res
    .status(STATUS[o.t])
    .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .setHeader('Referrer-Policy', 'no-referrer')
    .type('html')
    .send(
      '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
        '<title>龙岗应急 · Longgang alerts</title><style>body{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em}' +
        'button{font-size:1.2em;padding:.5em 1.5em}</style></head><body>' +
        body +
        '</body></html>',
    );
}

function summary(a: {
  id: string;
  severity: string;
  device: string;
  message: string;
  openedAt: string;
}): string {
  return `<p><b>[${esc(a.severity)}] ${esc(a.device)}</b> ${esc(a.message)}<br><small>${esc(a.id)} · ${esc(a.openedAt)}</small></p>`;
}
