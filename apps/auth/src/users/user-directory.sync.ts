import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from '@plaza/events';
import { type DirectoryUser, SafetyGraph } from '@plaza/realtime';
import { ModelRebuilder, REDIS, type Redis } from '@plaza/redis';
import type { EntityManager } from 'typeorm';
import { UserRepository } from './user.repository';

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
  private readonly rebuilder: ModelRebuilder;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly directory: SafetyGraph,
    private readonly users: UserRepository,
  ) {
    this.rebuilder = new ModelRebuilder(redis, {
      name: 'user directory',
      lockKey: 'sg:users-rebuild-lock',
      isReady: () => this.directory.usersReady(),
      rebuild: () => this.rebuild(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.rebuilder.start();
  }

  onApplicationShutdown(): void {
    this.rebuilder.stop();
  }

  async put(user: DirectoryUser): Promise<void> {
    await this.directory.putUser({ id: user.id, handle: user.handle, displayName: user.displayName });
  }

  /** Entries are written with NX: a registration that raced the rebuild keeps its own entry. */
  private async rebuild(): Promise<void> {
    let after: string | null = null;
    for (;;) {
      const page = await this.users.directoryPage(after, PAGE);
      await this.directory.loadUsers(page);
      if (page.length < PAGE) break;
      after = page[page.length - 1].id;
    }
    await this.directory.markUsersReady();
  }

  @OnDomainEvent('profile.updated')
  async onProfileUpdated(event: DomainEvent<'profile.updated'>, manager: EntityManager): Promise<void> {
    const { userId, displayName } = event.payload;
    const renamed = await this.users.rename(manager, userId, displayName);
    if (renamed) await this.put({ id: userId, handle: renamed.handle, displayName });
  }
}
