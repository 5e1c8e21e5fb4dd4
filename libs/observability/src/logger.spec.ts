import { Logger } from '@nestjs/common';
import { AppLogger, formatTextLine, MAX_LOG_MESSAGE, type AppLoggerOptions } from './logger';

function capture(o: Partial<AppLoggerOptions> = {}): { logger: AppLogger; lines: string[] } {
  const lines: string[] = [];
  const logger = new AppLogger({
    app: 'worker',
    instance: 'worker-a',
    level: 'log',
    format: 'json',
    destination: { write: (line: string) => lines.push(line) },
    ...o,
  });
  return { logger, lines };
}

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('AppLogger', () => {
  it('writes one JSON line per call with app, instance, level, context and the fields given', () => {
    const { logger, lines } = capture();
    logger.log('partition 3 taken', 'partitions');
    logger.warn(
      { msg: 'alert raised', alert: 'gas.lel~G001~abc', job: '42', entry: '1700000000000-0' },
      'rules',
    );
    const [first, second] = parsed(lines);
    expect(first).toMatchObject({
      level: 'info',
      app: 'worker',
      instance: 'worker-a',
      context: 'partitions',
      msg: 'partition 3 taken',
    });
    expect(typeof first.time).toBe('string');
    expect(second).toMatchObject({
      level: 'warn',
      context: 'rules',
      msg: 'alert raised',
      alert: 'gas.lel~G001~abc',
      job: '42',
      entry: '1700000000000-0',
    });
  });

  it('leaves out what is below its level', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.log('not shown');
    logger.debug('not shown');
    logger.error('shown');
    expect(parsed(lines).map((l) => l.msg)).toEqual(['shown']);
  });

  it("keeps an error's stack as a field, apart from its message", () => {
    const { logger, lines } = capture();
    const err = new Error('Redis went away');
    logger.error('evaluation failed', err.stack, 'rules');
    logger.error(err);
    const [withStack, fromError] = parsed(lines);
    expect(withStack).toMatchObject({ msg: 'evaluation failed', context: 'rules', level: 'error' });
    expect(withStack.stack).toContain('Redis went away');
    expect(fromError.msg).toBe('Redis went away');
    expect((fromError.err as { name: string }).name).toBe('Error');
  });

  it('cuts a long message and says how much was left out', () => {
    const { logger, lines } = capture();
    logger.log('x'.repeat(MAX_LOG_MESSAGE + 500));
    const msg = parsed(lines)[0].msg as string;
    expect(msg.length).toBeLessThan(MAX_LOG_MESSAGE + 40);
    expect(msg).toMatch(/… \(500 more characters\)$/);
  });

  it('writes a readable line in the text format', () => {
    const { logger, lines } = capture({ format: 'text', app: 'ingest', instance: 'ingest-1' });
    logger.log({ msg: 'entry appended', entry: '1700000000000-0', readings: 12 }, 'log');
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}\[ingest ingest-1\] \[log\] entry appended entry=1700000000000-0 readings=12\n$/,
    );
  });

  it("takes over Nest's Logger instances once installed", () => {
    const { logger, lines } = capture();
    Logger.overrideLogger(logger);
    try {
      new Logger('router').log('lease taken');
    } finally {
      Logger.overrideLogger(true);
    }
    expect(parsed(lines)[0]).toMatchObject({ context: 'router', msg: 'lease taken', app: 'worker' });
  });
});

describe('formatTextLine', () => {
  it('passes a line that is not JSON through unchanged', () => {
    expect(formatTextLine('not json\n')).toBe('not json\n');
  });
});
