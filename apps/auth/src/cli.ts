import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@plaza/config';
import { DomainError } from '@plaza/platform';
import { isRole, ROLES } from '@plaza/identity';
import { AdminService } from './admin/admin.service';
import { AppModule } from './app.module';

const USAGE = `usage: npm run cli -- grant-role <email> <${ROLES.join('|')}>`;

/**
 * Operator commands against the auth database and Redis, e.g. promoting the first admin when
 * ADMIN_EMAILS was not set. Changes are audited with no actor and apply to live sessions at once.
 */
async function main(argv: string[]): Promise<number> {
  const [command, email, role] = argv;
  if (command !== 'grant-role' || !email || !isRole(role)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfigOrExit();
  // Errors only: the app's start-up warnings (no SMTP_URL, reCAPTCHA off) concern the server, not this command.
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { background: false }), {
    logger: ['error'],
  });
  try {
    const user = await app.get(AdminService).grantRoleByEmail(email, role);
    process.stdout.write(`${JSON.stringify(user)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'not_found') {
      process.stderr.write(`no user with email ${email}\n`);
      return 1;
    }
    throw err;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
