import { spawnSync } from 'node:child_process';
import { DOMAIN_APPS, mainFile } from '@plaza/testing';

describe('boot-time configuration', () => {
  it.each([...DOMAIN_APPS, 'gateway' as const])('%s exits 1 naming each bad variable', (app) => {
    const result = spawnSync(process.execPath, [mainFile(app)], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: 'mysql://nope',
        REDIS_URL: 'redis://127.0.0.1:6379',
        AUTH_PORT: '99999',
        SESSION_TTL_SECONDS: 'soon',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stderr).toContain('AUTH_PORT');
    expect(result.stderr).toContain('SESSION_TTL_SECONDS');
    expect(result.stderr).not.toContain('REDIS_URL');
  });
});
