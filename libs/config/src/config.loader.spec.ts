import { ConfigError, loadConfig } from './config.loader';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/plaza' };

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      GATEWAY_PORT: 3000,
      AUTH_PORT: 3001,
      MESSAGING_PORT: 3004,
      REDIS_URL: 'redis://127.0.0.1:6379',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      SESSION_TTL_SECONDS: 86400,
      SESSION_REMEMBER_TTL_SECONDS: 2592000,
      LOGIN_RATE_LIMIT: 10,
      REGISTER_RATE_LIMIT: 20,
      API_RATE_LIMIT: 1200,
      TRUST_PROXY: 0,
      ALLOWED_ORIGINS: ['http://localhost:3000'],
      OIDC_ROLES_CLAIM: 'cognito:groups',
    });
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        GATEWAY_PORT: 'abc',
        REDIS_URL: 'http://nope',
        ACCESS_TOKEN_TTL_SECONDS: '-5',
        NODE_ENV: 'production',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(' ')[0]).sort();
    expect(names).toEqual([
      'ACCESS_TOKEN_TTL_SECONDS',
      'DATABASE_URL',
      'GATEWAY_PORT',
      'INTERNAL_TOKEN',
      'JWT_SECRET',
      'REDIS_URL',
    ]);
  });

  it('derives the OIDC JWKS URL from the issuer and requires an audience', () => {
    expect(() => loadConfig({ ...base, OIDC_ISSUER: 'https://idp.example' })).toThrow(/OIDC_AUDIENCE/);
    const config = loadConfig({ ...base, OIDC_ISSUER: 'https://idp.example/', OIDC_AUDIENCE: 'plaza' });
    expect(config.OIDC_JWKS_URL).toBe('https://idp.example/.well-known/jwks.json');
  });
});
