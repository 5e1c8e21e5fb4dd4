import { ServiceUnavailableException } from '@nestjs/common';

/**
 * 503 for work refused on purpose because too much of it is running (password checks, scorecard
 * computations): answered with `Retry-After`, and not logged as a failure of the gateway.
 */
export class LoadSheddingException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSec: number,
  ) {
    super(message);
  }
}
