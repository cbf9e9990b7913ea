import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DomainEvent, OnDomainEvent, OutboxService } from '@plaza/events';
import { type DirectoryUser, SafetyGraph } from '@plaza/realtime';
import { decodeCursor, DomainError, encodeCursor, pageOf } from '@plaza/platform';
import type { Principal } from '@plaza/identity';
import { LRUCache } from 'lru-cache';
import { DataSource, type EntityManager } from 'typeorm';
import { RelationshipsRepository } from './relationships.repository';
import type { ProfileDto, ProfilePageDto } from './dto/profile.dto';
import type { SearchProfilesQueryDto } from './dto/search-profiles-query.dto';
import type { UpdateProfileDto } from './dto/update-profile.dto';
import { toProfileDto, toRelationship } from './profile.mapper';
import { ProfileSearchRepository, type SearchHit } from './profile-search.repository';
import { type ProfileRecord, ProfilesRepository } from './profiles.repository';

const HANDLE = /^[a-z0-9_]{3,30}$/;
/** Trigram search needs three characters; shorter queries only match prefixes. */
const MIN_CONTAINS_QUERY = 3;
/** Bounded memo of users known to have a profile, so most requests skip the existence check. */
const KNOWN_USERS_MAX = 50_000;

/** Placeholder handle for a profile created before its user.registered event: `u_` + 12 hex digits of the id. */
export function provisionalHandle(userId: string, length = 12): string {
  return `u_${userId.replace(/-/g, '').slice(0, length)}`;
}

@Injectable()
export class ProfilesService {
  private readonly logger = new Logger(ProfilesService.name);
  private readonly known = new LRUCache<string, true>({ max: KNOWN_USERS_MAX });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly profiles: ProfilesRepository,
    private readonly search: ProfileSearchRepository,
    private readonly relationships: RelationshipsRepository,
    private readonly outbox: OutboxService,
    private readonly directory: SafetyGraph,
  ) {}

  /**
   * Every use case starts here: the caller gets a profile on first sight if user.registered has
   * not been handled yet (event lag) or will never come (users provisioned from an OIDC token).
   */
  async ensureProfile(principal: Principal): Promise<void> {
    const userId = principal.userId;
    if (this.known.has(userId)) return;
    if (!(await this.profiles.exists(userId))) {
      const fromEmail = principal.oidc?.email?.split('@')[0]?.trim().slice(0, 80);
      const name = fromEmail || 'Plaza member';
      // The short placeholder handle can (very rarely) be someone's chosen handle: fall back to a longer one.
      if (
        !(await this.profiles.insertProvisional(userId, provisionalHandle(userId), name)) &&
        !(await this.profiles.exists(userId))
      ) {
        await this.profiles.insertProvisional(userId, provisionalHandle(userId, 28), name);
      }
    }
    this.known.set(userId, true);
  }

  /**
   * A user whose registration has answered exists for every call at once (consistency rule), even
   * before user.registered reaches profiles: auth writes the user directory before it answers,
   * and a profile missing here is created from it. Unknown users are left to the caller's 404.
   */
  async ensureRegistered(userId: string): Promise<void> {
    if (this.known.has(userId) || (await this.profiles.exists(userId))) return;
    const user = (await this.directory.users([userId])).get(userId);
    if (user) await this.materialise(user);
  }

  private async materialise(user: DirectoryUser): Promise<void> {
    if (!HANDLE.test(user.handle)) return;
    await this.dataSource.transaction(async (manager) => {
      await this.profiles.renameProvisionalHolder(manager, user.handle, user.id);
      await this.profiles.upsertRegistered(manager, user.id, user.handle, user.displayName.slice(0, 80) || user.handle);
    });
  }

  @OnDomainEvent('user.registered')
  async onUserRegistered(event: DomainEvent<'user.registered'>, manager: EntityManager): Promise<void> {
    const { userId, handle, displayName } = event.payload;
    if (!HANDLE.test(handle)) {
      this.logger.warn(
        `user.registered ${event.id}: handle "${handle}" is not a valid profile handle, keeping a placeholder`,
      );
      return;
    }
    // A placeholder of another user could hold this handle by coincidence; the registered owner wins.
    await this.profiles.renameProvisionalHolder(manager, handle, userId);
    await this.profiles.upsertRegistered(manager, userId, handle, displayName.slice(0, 80) || handle);
  }

  async getByHandle(viewer: Principal, handle: string): Promise<ProfileDto> {
    let profile = HANDLE.test(handle) ? await this.profiles.findByHandle(handle) : null;
    if (!profile && HANDLE.test(handle)) {
      const registered = await this.directory.userByHandle(handle);
      if (registered) {
        await this.materialise(registered);
        profile = await this.profiles.findByHandle(handle);
      }
    }
    if (!profile) throw new DomainError('not_found', 'Profile not found');
    const [dto] = await this.present(viewer.userId, [profile]);
    // Blocked by them: indistinguishable from a profile that does not exist.
    if (!dto) throw new DomainError('not_found', 'Profile not found');
    return dto;
  }

  async getMe(viewer: Principal): Promise<ProfileDto> {
    const profile = await this.profiles.findById(undefined, viewer.userId);
    if (!profile) throw new DomainError('not_found', 'Profile not found');
    return toProfileDto(profile, toRelationship(viewer.userId, viewer.userId, undefined));
  }

  async updateMe(viewer: Principal, dto: UpdateProfileDto): Promise<ProfileDto> {
    const fields = {
      displayName: dto.displayName,
      headline: dto.headline,
      bio: dto.bio,
      location: dto.location,
      skills: dto.skills === undefined ? undefined : dedupeSkills(dto.skills),
    };
    // An empty body changes nothing and tells nobody.
    if (Object.values(fields).every((v) => v === undefined)) return this.getMe(viewer);
    const updated = await this.dataSource.transaction(async (manager) => {
      const profile = await this.profiles.update(manager, viewer.userId, fields);
      if (!profile) throw new DomainError('not_found', 'Profile not found');
      await this.outbox.publish(manager, 'profile.updated', {
        userId: profile.userId,
        handle: profile.handle,
        displayName: profile.displayName,
        headline: profile.headline,
      });
      return profile;
    });
    return toProfileDto(updated, toRelationship(viewer.userId, viewer.userId, undefined));
  }

  /** Tiered: exact handle, then handle/name prefixes, then anywhere (trigram); each tier by handle. */
  async searchProfiles(viewer: Principal, query: SearchProfilesQueryDto): Promise<ProfilePageDto> {
    const q = (query.q ?? '').toLowerCase();
    const after = decodeCursor<{ t: number; h: string }>(query.cursor, { t: 'number', h: HANDLE });
    const want = query.limit + 1;
    let hits: SearchHit[];
    if (!q) {
      hits = await this.search.all(viewer.userId, after?.h ?? null, want);
    } else {
      hits = [];
      if (!after || after.t < 2) {
        hits = await this.search.prefixMatches(
          viewer.userId,
          q,
          after ? { tier: after.t, handle: after.h } : null,
          want,
        );
      }
      if (hits.length < want && q.length >= MIN_CONTAINS_QUERY) {
        const from = after && after.t >= 2 ? after.h : null;
        hits = hits.concat(await this.search.containsMatches(viewer.userId, q, from, want - hits.length));
      }
    }
    const page = pageOf(hits, query.limit, (last) => encodeCursor({ t: last.tier, h: last.profile.handle }));
    return {
      items: await this.present(
        viewer.userId,
        page.items.map((h) => h.profile),
      ),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Profiles as `viewer` sees them, in the given order. Anyone who blocked the viewer is left
   * out, which callers use as "not visible".
   */
  async present(viewerId: string, profiles: ProfileRecord[]): Promise<ProfileDto[]> {
    const facts = await this.relationships.factsFor(
      viewerId,
      profiles.map((p) => p.userId),
    );
    return profiles
      .filter((p) => !facts.get(p.userId)?.blockedBy)
      .map((p) => toProfileDto(p, toRelationship(viewerId, p.userId, facts.get(p.userId))));
  }

  /**
   * Profiles for entity references (GraphQL `_entities`: a post's author, a member): one batch.
   * Someone who blocked the viewer appears as a bare card (id, handle, displayName, as REST shows
   * authors and members), never with their profile; an id with no profile yet gets an empty card.
   */
  async referenced(viewerId: string, ids: readonly string[]): Promise<Map<string, ProfileDto | ProfileCard>> {
    const records = await this.profiles.findManyByIds([...new Set(ids)]);
    const visible = new Map((await this.present(viewerId, records)).map((p) => [p.id, p]));
    const out = new Map<string, ProfileDto | ProfileCard>();
    for (const record of records) {
      out.set(
        record.userId,
        visible.get(record.userId) ?? { id: record.userId, handle: record.handle, displayName: record.displayName },
      );
    }
    for (const id of ids) if (!out.has(id)) out.set(id, { id, handle: '', displayName: '' });
    return out;
  }

  /** A page of profiles by id, in order, as the viewer sees them. */
  async presentIds(viewerId: string, ids: string[]): Promise<ProfileDto[]> {
    return this.present(viewerId, await this.profiles.findManyByIds(ids));
  }
}

/** Same skill twice (ignoring case) is kept once, first spelling wins. */
function dedupeSkills(skills: string[]): string[] {
  const seen = new Set<string>();
  return skills.filter((s) => {
    const key = s.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What a hidden or not yet known user shows (the rest of their profile reads as null). */
export interface ProfileCard {
  id: string;
  handle: string;
  displayName: string;
}
