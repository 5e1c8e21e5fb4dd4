import { BadRequestException, ForbiddenException, HttpException, NotFoundException } from '@nestjs/common';
import { toErrorBody } from './error.filter';

describe('toErrorBody', () => {
  it('keeps the status and message of HTTP exceptions', () => {
    expect(toErrorBody(new BadRequestException('limit: must be a whole number'))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'limit: must be a whole number',
    });
    expect(toErrorBody(new NotFoundException('alert x not found'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'alert x not found',
    });
    expect(toErrorBody(new ForbiddenException())).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    expect(toErrorBody(new HttpException('slow down', 429))).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'slow down',
    });
  });

  it('answers body-parser errors with their status and hides internal errors', () => {
    expect(
      toErrorBody(Object.assign(new Error('too large'), { status: 413, type: 'entity.too.large' })),
    ).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'request body is too large (limit 64 KiB)',
    });
    expect(toErrorBody(new Error('ECONNREFUSED 127.0.0.1:6379'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'internal error',
    });
  });
});
