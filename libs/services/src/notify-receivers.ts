import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message a local receiver took. */
export interface ReceivedMessage {
  channel: 'sms' | 'email' | 'webhook';
  /** The sender's delivery ID (Message-ID, Idempotency-Key, OutId or X-LG-Delivery). */
  delivery: string;
  to: string;
  subject?: string;
  text: string;
  /** E-mail: the HTML part, when the mail has one. */
  html?: string;
  at: string;
}

export interface NotifyReceiversOptions {
  smtpPort?: number;
  httpPort?: number;
  /** SMTP login the server accepts. */
  smtpUser: string;
  smtpPassword: string;
  /** The key JSON webhooks are signed with: a bad signature is answered 401. */
  webhookSecret: string;
  /** The AccessKey secret of the Alibaba-Cloud-shaped SMS endpoint: a bad signature is refused. */
  smsKeySecret: string;
  /** Most messages kept (oldest dropped). */
  keep?: number;
}

const MAX_BODY = 256 * 1024;

/**
 * POSTs an SMS provider's delivery receipts (`body`, JSON) to `url` with the timestamp (epoch seconds) and
 * the signature headers a provider sends; the signature is given, so that a test can forge one too.
 */
export function postReceipts(url: string, body: string, ts: number, signature: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-lg-timestamp': String(ts),
      'x-lg-signature': signature,
    },
    body,
  });
}

/**
 * The demo's and tests' far ends of the notifications, real protocol implementations on loopback: an SMTP
 * server (smtp-server, messages parsed by mailparser), and one HTTP server that is a JSON SMS gateway
 * (`POST /sms`), an Alibaba-Cloud-shaped SMS API that checks the request signature (`POST /sms/aliyun`)
 * and a webhook receiver that checks the HMAC signature (`POST /webhook`). `GET /inbox` lists what came.
 * `httpDown()` / `httpUp()` take the HTTP side away and back on the same port (fault tests).
 */
export class NotifyReceivers {
  readonly messages: ReceivedMessage[] = [];
  private http: Server | undefined;
  private smtp: SMTPServer | undefined;
  /** Answer the SMS endpoints with this HTTP status instead of taking the message (fault tests). */
  smsFailure: number | undefined;
  /** Where the JSON SMS gateway posts its delivery receipts, and the key it signs them with. */
  private receipts: { url: string; secret: string } | undefined;
  /** Receipt callbacks posted and how the platform answered them (status codes). */
  readonly receiptAnswers: number[] = [];

  private constructor(
    private readonly o: NotifyReceiversOptions,
    public smtpPort: number,
    public httpPort: number,
  ) {}

  static async start(o: NotifyReceiversOptions): Promise<NotifyReceivers> {
    const r = new NotifyReceivers(o, o.smtpPort ?? 0, o.httpPort ?? 0);
    await r.startSmtp();
    await r.httpUp();
    return r;
  }

  get smtpUrl(): string {
    return `smtp://${encodeURIComponent(this.o.smtpUser)}:${encodeURIComponent(this.o.smtpPassword)}@127.0.0.1:${this.smtpPort}`;
  }
  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /**
   * Makes the JSON SMS gateway report each message it took as delivered a moment later, as a provider's
   * delivery receipt: a signed `POST` to `url` (the gateway's `/api/notify/sms-receipts`).
   */
  receiptsTo(url: string, secret: string): void {
    this.receipts = { url, secret };
  }

  private sendReceipt(id: string): void {
    const target = this.receipts;
    if (!target) return;
    const body = JSON.stringify({ receipts: [{ id, status: 'delivered', at: new Date().toISOString() }] });
    const ts = Math.floor(Date.now() / 1000);
    const signature = `sha256=${createHmac('sha256', target.secret).update(`${ts}.${body}`).digest('hex')}`;
    postReceipts(target.url, body, ts, signature)
      .then((res) => {
        this.receiptAnswers.push(res.status);
        return res.body?.cancel();
      })
      // The platform away: the receipt is lost, as a provider's would be after its own retries.
      .catch(() => this.receiptAnswers.push(0));
  }

  of(channel: ReceivedMessage['channel']): ReceivedMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  private keep(m: ReceivedMessage): void {
    this.messages.push(m);
    const max = this.o.keep ?? 5000;
    if (this.messages.length > max) this.messages.splice(0, this.messages.length - max);
  }

  private async startSmtp(): Promise<void> {
    const smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      size: MAX_BODY,
      logger: false,
      onAuth: (auth, _session, cb) => {
        if (auth.username === this.o.smtpUser && auth.password === this.o.smtpPassword)
          cb(null, { user: auth.username });
        else cb(new Error('bad SMTP login'));
      },
      onData: (stream, session, cb) => {
        simpleParser(stream)
          .then((mail) => {
            this.keep({
              channel: 'email',
              delivery: (mail.messageId ?? '').replace(/^<|@.*$/g, ''),
              to: session.envelope.rcptTo.map((r) => r.address).join(','),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              ...(typeof mail.html === 'string' ? { html: mail.html } : {}),
              at: new Date().toISOString(),
            });
            cb();
          })
          .catch((err: Error) => cb(err));
      },
    });
    this.smtp = smtp;
    await new Promise<void>((resolve, reject) => {
      smtp.server.once('error', reject);
      smtp.listen(this.smtpPort, '127.0.0.1', () => {
        this.smtpPort = (smtp.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Starts (or starts again, on the same port) the HTTP receivers. */
  async httpUp(): Promise<void> {
    if (this.http) return;
    const http = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.httpPort, '127.0.0.1', () => resolve());
    });
    this.httpPort = (http.address() as AddressInfo).port;
    this.http = http;
  }

  /** Stops the HTTP receivers: connections are refused until `httpUp()`. */
  async httpDown(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    if (!http) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  async stop(): Promise<void> {
    await this.httpDown();
    const smtp = this.smtp;
    this.smtp = undefined;
    if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/inbox')
        return reply(200, this.messages.slice(-200).reverse());
      if (req.method !== 'POST') return reply(404, { error: 'not found' });
      const body = await readBody(req);
      if (body === undefined) return reply(413, { error: 'too large' });
      const at = new Date().toISOString();
      if (url.pathname === '/sms') {
        if (this.smsFailure) return reply(this.smsFailure, { error: 'the gateway is failing (fault test)' });
        const m = JSON.parse(body) as { id?: string; to?: string; text?: string };
        if (!m.id || !m.to || !m.text) return reply(400, { error: 'id, to and text are required' });
        this.keep({ channel: 'sms', delivery: m.id, to: m.to, text: m.text, at });
        // The handset's report comes after the gateway took the message, as a real one's does.
        const id = m.id;
        setTimeout(() => this.sendReceipt(id), 100).unref();
        return reply(200, { id: `sms-${m.id}`, status: 'sent' });
      }
      if (url.pathname === '/sms/aliyun') {
        if (this.smsFailure)
          return reply(200, { Code: 'isp.SYSTEM_ERROR', Message: 'fault test', RequestId: 'x' });
        const form = new URLSearchParams(body);
        if (!aliyunSignatureOk(form, this.o.smsKeySecret))
          return reply(200, {
            Code: 'SignatureDoesNotMatch',
            Message: 'Specified signature is not matched',
            RequestId: 'x',
          });
        const params = JSON.parse(form.get('TemplateParam') ?? '{}') as Record<string, string>;
        this.keep({
          channel: 'sms',
          delivery: form.get('OutId') ?? '',
          to: form.get('PhoneNumbers') ?? '',
          text: Object.entries(params)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
          at,
        });
        return reply(200, { Code: 'OK', Message: 'OK', BizId: `biz-${Date.now()}`, RequestId: 'x' });
      }
      if (url.pathname === '/webhook') {
        const ts = String(req.headers['x-lg-timestamp'] ?? '');
        const expected = `sha256=${createHmac('sha256', this.o.webhookSecret).update(`${ts}.${body}`).digest('hex')}`;
        if (req.headers['x-lg-signature'] !== expected) return reply(401, { error: 'bad signature' });
        const m = JSON.parse(body) as {
          id: string;
          to?: { name?: string; mobile?: string };
          subject?: string;
          text?: string;
        };
        this.keep({
          channel: 'webhook',
          delivery: m.id,
          to: m.to?.mobile ?? m.to?.name ?? '',
          subject: m.subject ?? '',
          text: m.text ?? '',
          at,
        });
        return reply(200, { ok: true });
      }
      return reply(404, { error: 'not found' });
    } catch (err) {
      return reply(400, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Checks an RPC-style signature as the provider's side does, written apart from the sender's code. */
function aliyunSignatureOk(form: URLSearchParams, secret: string): boolean {
  const given = form.get('Signature');
  if (!given) return false;
  const enc = (s: string) =>
    encodeURIComponent(s)
      .replace(/!/g, '%21')
      .replace(/'/g, '%27')
      .replace(/\(/g, '%28')
      .replace(/\)/g, '%29')
      .replace(/\*/g, '%2A');
  const pairs = [...form.entries()].filter(([k]) => k !== 'Signature');
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const expected = createHmac('sha1', `${secret}&`)
    .update(`POST&%2F&${enc(canonical)}`)
    .digest('base64');
  return expected === given;
}

/** The demo's credentials of the local receivers (production refuses each of them). */
export const DEMO_NOTIFY_CREDENTIALS = {
  smtpUser: 'lg-notify',
  smtpPassword: 'demo',
  webhookSecret: 'demo-webhook-secret',
  smsKeySecret: 'demo-sms-secret',
  /** The key the local SMS gateway signs its delivery receipts with (the gateway's SMS_RECEIPT_SECRET). */
  smsReceiptSecret: 'demo-sms-receipt-secret',
} as const;

/**
 * The worker's environment that sends every channel to these receivers (`npm start`, tests): SMS through
 * the JSON gateway (or the Alibaba-Cloud-shaped API with `sms: 'aliyun'`), e-mail over SMTP, JSON webhooks.
 */
export function demoNotifyEnv(
  r: NotifyReceivers,
  gatewayUrl: string,
  sms: 'json' | 'aliyun' = 'json',
): Record<string, string> {
  return {
    NOTIFY_CHANNELS: 'sms,email,webhook',
    NOTIFY_LINK_BASE: gatewayUrl,
    SMS_PROVIDER: sms,
    SMS_URL: `${r.httpUrl}/sms${sms === 'aliyun' ? '/aliyun' : ''}`,
    SMS_KEY_ID: 'demo-key-id',
    SMS_KEY_SECRET: DEMO_NOTIFY_CREDENTIALS.smsKeySecret,
    SMS_SIGN_NAME: '龙岗应急',
    SMS_TEMPLATE: 'SMS_000000001',
    SMTP_URL: r.smtpUrl,
    WEBHOOK_URL: `${r.httpUrl}/webhook`,
    WEBHOOK_FORMAT: 'json',
    WEBHOOK_SECRET: DEMO_NOTIFY_CREDENTIALS.webhookSecret,
  };
}
