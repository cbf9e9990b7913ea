import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import { type DirectoryUser, SafetyGraph } from '@plaza/realtime';
import { REDIS, type Redis } from '@plaza/redis';
import type { EntityManager } from 'typeorm';
import { UserRepository } from './user.repository';

const REBUILD_LOCK = 'sg:users-rebuild-lock';
const CHECK_MS = 1000;
const PAGE = 1000;

/**
 * Auth owns who exists: it writes the user directory (`SafetyGraph.putUser`) after the commit and
 * before a registration or an OIDC provisioning answers, so that no other app answers 404 for a
 * user whose registration has answered (consistency rule). Redis restarted empty: the directory's
 * ready marker is gone, readers refuse ids they do not find (503) and this rebuilds the directory
 * from PostgreSQL within a second.
 *
 * It also keeps auth's copy of the display name in step with profiles, which owns
 * them: `/api/auth/me`, the `user` of login and refresh and the admin list read it.
 */
@Injectable()
export class UserDirectorySync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UserDirectorySync.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly directory: SafetyGraph,
    private readonly users: UserRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const check = () =>
      this.rebuildIfMissing().catch((err: Error) => this.logger.warn(`user directory rebuild: ${err.message}`));
    await check();
    this.timer = setInterval(() => void check(), CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async put(user: DirectoryUser): Promise<void> {
    await this.directory.putUser({ id: user.id, handle: user.handle, displayName: user.displayName });
  }

  /** Entries are written with NX: a registration that raced the rebuild keeps its own entry. */
  async rebuildIfMissing(): Promise<boolean> {
    if (await this.directory.usersReady()) return false;
    if ((await this.redis.set(REBUILD_LOCK, '1', 'PX', 60_000, 'NX')) !== 'OK') return false;
    try {
      let after: string | null = null;
      for (;;) {
        const page = await this.users.directoryPage(after, PAGE);
        await this.directory.loadUsers(page);
        if (page.length < PAGE) break;
        after = page[page.length - 1].id;
      }
      await this.directory.markUsersReady();
      this.logger.log('user directory rebuilt from PostgreSQL');
      return true;
    } finally {
      await this.redis.del(REBUILD_LOCK);
    }
  }

  @OnDomainEvent('profile.updated')
  async onProfileUpdated(event: DomainEvent<'profile.updated'>, manager: EntityManager): Promise<void> {
    const { userId, displayName } = event.payload;
    const renamed = await this.users.rename(manager, userId, displayName);
    if (renamed) await this.put({ id: userId, handle: renamed.handle, displayName });
  }
}
