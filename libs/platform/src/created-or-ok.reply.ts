import { applyDecorators, HttpStatus, type Type } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

/**
 * The OpenAPI responses of a create-or-return operation (idempotent creates): 201 with `type` when
 * the call created the resource, 200 with the same shape when it already existed.
 */
export function ApiCreatedOrOk(
  type: Type<unknown>,
  description: { created: string; existing: string },
): MethodDecorator {
  return applyDecorators(
    ApiCreatedResponse({ type, description: description.created }),
    ApiOkResponse({ type, description: description.existing }),
  );
}

/**
 * The status of a create-or-return answer: 201 when `created`, else 200. Gives `body` back for the
 * handler to return; the handler takes `@Res({ passthrough: true }) reply: FastifyReply`, so Nest
 * still sends the body (interceptors and serialisation apply).
 */
export function createdOrOk<T>(reply: FastifyReply, created: boolean, body: T): T {
  void reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
  return body;
}
