import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from './domain-error';
import { errorBody, type ErrorBody } from './error-body';

// PLAZA_REBUILDING: a Redis read model that must never read as empty is being rebuilt (@plaza/realtime).
const UNAVAILABLE_CODES = new Set([
  'PLAZA_REBUILDING',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '53300',
]);

const UNSTORABLE_TEXT_CODES = new Set(['22021', '22P05']);

function driverCode(err: unknown): string {
  return (
    (err as { driverError?: { code?: string } } | null)?.driverError?.code ??
    (err as { code?: string } | null)?.code ??
    ''
  );
}

/** True for errors that mean a backing service (PostgreSQL, Redis) is unreachable right now. */
export function isUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code ?? (err as { driverError?: { code?: string } }).driverError?.code;
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Connection is closed|max retries per request|Stream isn't writeable/i.test(
    err.message,
  );
}

/**
 * Turns every error into the contract's shape: the one mapping of DomainError to HTTP (its code's
 * status; `code` is the finer reason when there is one, else the general code). HttpExceptions
 * (raised by Nest itself and the validation pipe) keep their status; anything
 * else is logged and answered with a bare 500 (or 503 when a backing service is down) so that no
 * stack trace, SQL or internal detail ever leaves the process.
 */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof DomainError)
    return errorBody(exception.status, exception.message, exception.reason ?? exception.code);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'string') return errorBody(status, response);
    const r = response as { message?: string | string[]; code?: string };
    return errorBody(status, r.message ?? exception.message, r.code);
  }
  const status = (exception as { statusCode?: number }).statusCode;
  // Fastify's own errors (body too large, bad JSON, wrong content type) carry a safe 4xx status.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = status === 413 ? 'Request body is larger than 64 KiB' : safeClientMessage(exception);
    return errorBody(status, message);
  }
  // Text PostgreSQL cannot store (a NUL, a character outside UTF-8) is the client's input, not our failure.
  if (UNSTORABLE_TEXT_CODES.has(driverCode(exception)))
    return errorBody(400, 'Text contains characters that cannot be stored');
  if (isUnavailableError(exception))
    return errorBody(503, 'A backing service is unavailable, retry shortly', 'unavailable');
  return errorBody(500, 'Internal server error');
}

function safeClientMessage(exception: unknown): string {
  const code = (exception as { code?: string }).code ?? '';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'Unsupported content type';
  if (code.startsWith('FST_ERR_CTP') || exception instanceof SyntaxError) return 'Malformed request body';
  return 'Bad request';
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (host.getType() !== 'http') throw exception;
    void sendError(host.switchToHttp().getResponse<FastifyReply>(), exception, body);
  }
}

/** Answers `exception` in the contract's shape, with the headers a DomainError carries (`Retry-After`). */
export function sendError(reply: FastifyReply, exception: unknown, body = toErrorBody(exception)): FastifyReply {
  const headers = (exception instanceof DomainError && exception.headers) || {};
  return reply.headers(headers).status(body.statusCode).send(body);
}
