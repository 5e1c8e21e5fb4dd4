import { createHmac } from 'node:crypto';
import { AliyunSms, rpcEncode, rpcSignature } from './sms';
import { dingtalkSign, ROBOT_TEXT_MAX, webhookRequest, webhookSignature } from './webhook';
import type { Outgoing } from './channel';
import { httpError, PermanentSendError } from './channel';

const out: Outgoing = {
  id: '0123456789abcdef01234567',
  to: '13807551101',
  contact: { name: '周波', phone: '0755-28901101', role: '网格员', mobile: '13807551101' },
  severity: 'red',
  alertIds: ['gas.lel~G001~1'],
  rendered: { subject: 'S', sms: 'sms', text: 'T', ackUrl: 'http://gw/ack/x' },
};

describe('Alibaba-Cloud-shaped SMS signing', () => {
  it('encodes as RFC 3986 wants', () => {
    expect(rpcEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
    expect(rpcEncode('龙')).toBe('%E9%BE%99');
  });

  it('signs the sorted, encoded query with HMAC-SHA1 keyed by secret&', () => {
    const params = { B: '2', A: '1 x' };
    const expected = createHmac('sha1', 'sk&').update('POST&%2F&A%3D1%2520x%26B%3D2').digest('base64');
    expect(rpcSignature('POST', params, 'sk')).toBe(expected);
  });

  it('sends SendSms with the template, OutId and a signature over everything else', () => {
    const sms = new AliyunSms({
      url: 'http://x',
      accessKeyId: 'kid',
      accessKeySecret: 'sk',
      signName: '龙岗应急',
      template: 'SMS_1',
      now: () => Date.parse('2026-05-01T02:03:04.567Z'),
      nonce: () => 'n-1',
    });
    const p = sms.signedParams({ id: out.id, mobile: out.to, text: 't', params: { link: 'u' } });
    expect(p).toMatchObject({
      Action: 'SendSms',
      Version: '2017-05-25',
      PhoneNumbers: '13807551101',
      OutId: out.id,
      TemplateCode: 'SMS_1',
      TemplateParam: '{"link":"u"}',
      Timestamp: '2026-05-01T02:03:04Z',
      SignatureNonce: 'n-1',
    });
    const { Signature, ...rest } = p;
    expect(Signature).toBe(rpcSignature('POST', rest, 'sk'));
  });
});

describe('webhooks', () => {
  it('signs JSON bodies with the timestamp', () => {
    const req = webhookRequest('json', 'http://r/webhook', 'key', out, 1_700_000_000_123);
    expect(req.headers['x-lg-timestamp']).toBe('1700000000');
    expect(req.headers['x-lg-signature']).toBe(webhookSignature('key', 1_700_000_000, req.body));
    expect(req.headers['x-lg-signature']).toBe(
      `sha256=${createHmac('sha256', 'key').update(`1700000000.${req.body}`).digest('hex')}`,
    );
    expect(JSON.parse(req.body)).toMatchObject({ id: out.id, severity: 'red', ackUrl: 'http://gw/ack/x' });
  });

  it('mentions the person by mobile in a WeCom robot text', () => {
    const req = webhookRequest('wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', '', out, 0);
    expect(JSON.parse(req.body)).toEqual({
      msgtype: 'text',
      text: { content: 'S\nT', mentioned_mobile_list: ['13807551101'] },
    });
  });

  it('sends a digest as digest.daily, and cuts long text for robots', () => {
    const digest = { ...out, alertIds: [], digest: { scope: 'ST-BJ', date: '2026-05-01' } };
    expect(JSON.parse(webhookRequest('json', 'http://r/webhook', 'key', digest, 0).body)).toMatchObject({
      type: 'digest.daily',
      digest: { scope: 'ST-BJ', date: '2026-05-01' },
      alerts: [],
    });
    const long = { ...digest, rendered: { ...out.rendered, text: '告'.repeat(5000) } };
    const robot = JSON.parse(webhookRequest('wecom', 'https://qyapi.weixin.qq.com/x', '', long, 0).body) as {
      text: { content: string };
    };
    expect(robot.text.content).toHaveLength(ROBOT_TEXT_MAX);
  });

  it('signs a DingTalk robot URL and @-mentions the person', () => {
    const req = webhookRequest(
      'dingtalk',
      'https://oapi.dingtalk.com/robot/send?access_token=t',
      'SEC1',
      out,
      1_700_000_000_000,
    );
    const url = new URL(req.url);
    expect(url.searchParams.get('access_token')).toBe('t');
    expect(url.searchParams.get('timestamp')).toBe('1700000000000');
    expect(url.searchParams.get('sign')).toBe(dingtalkSign('SEC1', 1_700_000_000_000));
    expect(JSON.parse(req.body).at).toEqual({ atMobiles: ['13807551101'], isAtAll: false });
  });
});

describe('httpError', () => {
  it('is permanent for 4xx but 408 and 429', () => {
    expect(httpError('x', 400, '')).toBeInstanceOf(PermanentSendError);
    expect(httpError('x', 429, '')).not.toBeInstanceOf(PermanentSendError);
    expect(httpError('x', 503, 'busy')).not.toBeInstanceOf(PermanentSendError);
  });
});
