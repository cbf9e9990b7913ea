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
 * Answers a create-or-return operation: 201 when `created`, else 200, with `body` either way.
 * The handler takes `@Res() reply: FastifyReply` and returns nothing.
 */
export async function sendCreatedOrOk(reply: FastifyReply, created: boolean, body: unknown): Promise<void> {
  await reply.status(created ? HttpStatus.CREATED : HttpStatus.OK).send(body);
}
