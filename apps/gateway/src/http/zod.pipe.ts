import { BadRequestException, Body, Param, Query, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { describeIssues } from '../contract/queries';

/** Validates (and converts) a query string, body or parameter with a zod schema; 400 naming the problem. */
export class ZodPipe<S extends z.ZodTypeAny> implements PipeTransform<unknown, z.output<S>> {
  // Public: the OpenAPI document takes the route's query and body schemas from its pipes.
  constructor(
    readonly schema: S,
    /** `query`, `body`, ...: how the message calls the input. */
    readonly what: string,
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value ?? (this.what === 'body' ? {} : value));
    if (!result.success) throw new BadRequestException(describeIssues(result.error, this.what));
    return result.data as z.output<S>;
  }
}

/** A path parameter: the message names the parameter. */
export class ParamPipe<S extends z.ZodTypeAny> implements PipeTransform<unknown, z.output<S>> {
  // Public: the OpenAPI document takes the route's path parameters from its pipes.
  constructor(
    readonly schema: S,
    readonly name: string,
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (!result.success)
      throw new BadRequestException(`${this.name}: ${result.error.issues[0]?.message ?? 'is invalid'}`);
    return result.data as z.output<S>;
  }
}

/** `@Query(new ZodPipe(schema, 'query'))`: the query string, validated and converted by `schema`. */
export const ZodQuery = <S extends z.ZodTypeAny>(schema: S): ParameterDecorator =>
  Query(new ZodPipe(schema, 'query'));

/** `@Body(new ZodPipe(schema, 'body'))`: the JSON body (`{}` when left out), validated by `schema`. */
export const ZodBody = <S extends z.ZodTypeAny>(schema: S): ParameterDecorator =>
  Body(new ZodPipe(schema, 'body'));

/** `@Param(name, new ParamPipe(schema, name))`: one path parameter, validated by `schema`. */
export const ZodParam = <S extends z.ZodTypeAny>(name: string, schema: S): ParameterDecorator =>
  Param(name, new ParamPipe(schema, name));
