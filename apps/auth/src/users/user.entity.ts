import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'auth', name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Lower-cased; null only for an OIDC user whose provider sent no (or an already used) email. */
  @Column('text', { nullable: true })
  email: string | null;

  @Column('text')
  handle: string;

  @Column('text', { name: 'display_name' })
  displayName: string;

  /** argon2id PHC string; null for users who only sign in through OIDC. */
  @Column('text', { name: 'password_hash', nullable: true })
  passwordHash: string | null;

  /** True once the user opened a verification link sent to `email`. */
  @Column('boolean', { name: 'email_verified' })
  emailVerified: boolean;

  @Column('text', { array: true })
  roles: string[];

  @Column('boolean')
  suspended: boolean;

  @Column('text', { name: 'oidc_issuer', nullable: true })
  oidcIssuer: string | null;

  @Column('text', { name: 'oidc_subject', nullable: true })
  oidcSubject: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
