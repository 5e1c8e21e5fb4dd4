import {
  BadRequestException,
  ConflictException,
  GatewayTimeoutException,
  type HttpException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { Principal } from '@lg/auth';
import { ConnectionDirectory, Jt808TextSender, type TextOutcome } from '@lg/jt808-server';
import type { Jt808Located } from '@lg/contracts';
import { Registry, type Device } from '@lg/registry';
import { GatewayRedis } from '../infra/redis';
import { requireOperator } from './operators';

/** What became of a text message sent to a truck's terminal (`POST /api/devices/{id}/text`). */
export interface TextSent {
  device: string;
  text: string;
  /** Serial number of the 0x8300 frame the terminal was sent. */
  serial: number;
  /** The terminal answered (0x0001) within the deadline. */
  answered: boolean;
  /** Its result: 0 success, 1 failure, 2 message error, 3 not supported. */
  result?: number;
}

/** Where a truck's terminal said it is, in answer to a location query (`POST /api/devices/{id}/locate`). */
export interface Located extends Jt808Located {
  device: string;
}

/**
 * Messages to a truck's terminal, for operators: a text to its driver (JT/T 808 0x8300) and a location
 * query (0x8201), relayed over Redis to the JT/T 808 gateway instance that holds the terminal, which sends
 * it and reports the terminal's answer.
 */
@Injectable()
export class TerminalDownlinkService {
  private readonly sender: Jt808TextSender;

  constructor(
    private readonly registry: Registry,
    redis: GatewayRedis,
  ) {
    this.sender = new Jt808TextSender(
      redis.commands,
      // Opened here, closed with every other connection of GatewayRedis at shutdown.
      redis.openSubscriber('jt808-answers'),
      redis.names,
      new ConnectionDirectory(redis.commands, redis.names, 0),
    );
  }

  async send(user: Principal, id: string, text: string, flags: number): Promise<TextSent> {
    this.truck(user, id, 'text messages to drivers');
    const outcome = await this.sender.send(id, text, flags);
    if (outcome.status !== 'sent') throw notSent(id, outcome, (m) => new BadRequestException(`text: ${m}`));
    return {
      device: id,
      text,
      serial: outcome.serial,
      answered: outcome.result !== undefined,
      ...(outcome.result !== undefined ? { result: outcome.result } : {}),
    };
  }

  async locate(user: Principal, id: string): Promise<Located> {
    this.truck(user, id, 'location queries');
    const outcome = await this.sender.locate(id);
    if (outcome.status !== 'sent') throw notSent(id, outcome, (m) => new ConflictException(m));
    if (!outcome.located) {
      throw new GatewayTimeoutException(`the terminal of truck ${id} did not answer the location query`);
    }
    return { device: id, ...outcome.located };
  }

  /** The truck, for an operator, with a terminal; else the matching HTTP error. */
  private truck(user: Principal, id: string, what: string): Device {
    requireOperator(user, `${what} are for operators only`);
    const device = this.registry.device(id);
    if (!device || device.kind !== 'truck') throw new NotFoundException(`truck ${id} not found`);
    if (!device.terminal) throw new ConflictException(`truck ${id} has no JT/T 808 terminal in the registry`);
    return device;
  }
}

/**
 * The HTTP error for a request that was not sent: 409 with no connected terminal, 504 when the instance
 * holding it did not take the request in time (stopped or stalled; nothing was sent), and the caller's
 * own status for what the instance refused.
 */
function notSent(
  truck: string,
  outcome: Exclude<TextOutcome, { status: 'sent' }>,
  refused: (message: string) => HttpException,
): HttpException {
  switch (outcome.status) {
    case 'not_connected':
      return new ConflictException(`the terminal of truck ${truck} is not connected to a JT/T 808 gateway`);
    case 'unconfirmed':
      return new GatewayTimeoutException(
        `the JT/T 808 gateway ${outcome.instance}, which holds the terminal of truck ${truck}, did not ` +
          'take the request in time; nothing was sent',
      );
    case 'failed':
      return refused(outcome.message);
  }
}
