import nodemailer, { type Transporter } from 'nodemailer';
import { PermanentSendError, type Channel, type Outgoing, type SendResult } from './channel';

/**
 * E-mail over SMTP (nodemailer). The delivery ID is the Message-ID, so that a message sent twice after a
 * crash between sending and recording it is recognisably the same message.
 */
export class EmailChannel implements Channel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    this.transport = nodemailer.createTransport(url, {
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as Record<string, unknown>);
  }

  async send(m: Outgoing, _signal: AbortSignal): Promise<SendResult> {
    const html =
      m.rendered.html ??
      m.rendered.text
        .split('\n')
        .map((l) => escapeHtml(l))
        .join('<br>\n')
        .replace(/(https?:\/\/[^\s<]+)/g, (url) => `<a href="${url}">${url}</a>`);
    const info = (await this.transport.sendMail({
      from: this.from,
      to: m.to,
      subject: m.rendered.subject,
      text: m.rendered.text,
      html,
      messageId: `<${m.id}@notify.lg>`,
      headers: {
        'X-LG-Delivery': m.id,
        ...(m.digest
          ? { 'X-LG-Digest': `${m.digest.scope} ${m.digest.date}` }
          : { 'X-LG-Alerts': m.alertIds.slice(0, 20).join(' ') }),
      },
    })) as { messageId?: string; rejected?: unknown[]; accepted?: unknown[] };
    if ((info.rejected?.length ?? 0) > 0 && (info.accepted?.length ?? 0) === 0)
      throw new PermanentSendError(`the mail server refused ${m.to}`);
    return { ...(info.messageId ? { providerId: info.messageId } : {}), delivered: false };
  }

  close(): void {
    this.transport.close();
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
