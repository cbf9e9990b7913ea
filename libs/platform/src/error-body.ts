import { STATUS_CODES } from 'node:http';

/** The contract's error shape: `{ statusCode, error, message, code? }`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
}

export function errorBody(statusCode: number, message?: string | string[], code?: string): ErrorBody {
  const error = STATUS_CODES[statusCode] ?? 'Error';
  return { statusCode, error, message: message ?? error, ...(code ? { code } : {}) };
}
