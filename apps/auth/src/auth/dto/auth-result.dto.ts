import { ApiProperty } from '@nestjs/swagger';
import { PERMISSIONS, ROLES } from '@plaza/identity';

export class AuthUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ description: 'True once the user opened the verification link sent to `email`' })
  emailVerified: boolean;
  @ApiProperty() handle: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role', isArray: true, example: ['user'] }) roles: string[];
}

export class AuthSessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    enum: ['local', 'session'],
    description: '`local` when rememberMe was true (keep tokens in localStorage), else `session`',
  })
  persistence: 'local' | 'session';
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

export class AuthResultDto {
  @ApiProperty({ type: AuthUserDto }) user: AuthUserDto;
  @ApiProperty({ description: 'HS256 JWT; send as `Authorization: Bearer <accessToken>`' }) accessToken: string;
  @ApiProperty({ description: 'Opaque; exchange once at POST /api/auth/refresh' }) refreshToken: string;
  @ApiProperty({ description: 'Access token lifetime in seconds' }) expiresIn: number;
  @ApiProperty({ type: AuthSessionDto }) session: AuthSessionDto;
}

export class MeDto extends AuthUserDto {
  @ApiProperty({ enum: PERMISSIONS, enumName: 'Permission', isArray: true, example: [] }) permissions: string[];
}
