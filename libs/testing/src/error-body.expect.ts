import { STATUS_CODES } from 'node:http';
import type { ApiResponse } from './http-client';

/** Asserts an error answer in the contract's shape: `status`, its reason phrase, a message and `code`. */
export function expectErrorBody(res: ApiResponse, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ statusCode: status, error: STATUS_CODES[status], message: expect.any(String), code });
}
