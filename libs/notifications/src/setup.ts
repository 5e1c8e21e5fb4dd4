import type { NotifyChannel } from '@lg/contracts';
import type { Channel } from './channels/channel';
import { EmailChannel } from './channels/email';
import { AliyunSms, JsonSmsGateway, SmsChannel } from './channels/sms';
import { WebhookChannel } from './channels/webhook';
import type { RoutingPolicy } from './routing';
import type { NotifySettings } from './settings';

/** The channels switched on, built from validated settings (`notifyProblems` found nothing missing). */
export function channelsFrom(c: NotifySettings): Map<NotifyChannel, Channel> {
  const out = new Map<NotifyChannel, Channel>();
  for (const name of c.NOTIFY_CHANNELS) {
    if (name === 'sms') {
      const provider =
        c.SMS_PROVIDER === 'aliyun'
          ? new AliyunSms({
              url: c.SMS_URL!,
              accessKeyId: c.SMS_KEY_ID,
              accessKeySecret: c.SMS_KEY_SECRET,
              signName: c.SMS_SIGN_NAME,
              template: c.SMS_TEMPLATE,
            })
          : new JsonSmsGateway(c.SMS_URL!, c.SMS_KEY_ID);
      out.set('sms', new SmsChannel(provider));
    } else if (name === 'email') {
      out.set('email', new EmailChannel(c.SMTP_URL!, c.SMTP_FROM, c.NOTIFY_TIMEOUT_MS));
    } else {
      out.set('webhook', new WebhookChannel(c.WEBHOOK_FORMAT, c.WEBHOOK_URL!, c.WEBHOOK_SECRET));
    }
  }
  return out;
}

export function policyFrom(c: NotifySettings): RoutingPolicy {
  return {
    minSeverity: c.NOTIFY_MIN_SEVERITY,
    ownerMinSeverity: c.NOTIFY_OWNER_MIN_SEVERITY,
    quietHours: c.NOTIFY_QUIET_HOURS,
    channels: [...new Set(c.NOTIFY_CHANNELS)],
  };
}
