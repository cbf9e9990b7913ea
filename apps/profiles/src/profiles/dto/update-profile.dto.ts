import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsString, Length, MaxLength, MinLength, ValidateIf } from 'class-validator';

export const PROFILE_LIMITS = {
  displayName: 80,
  headline: 160,
  bio: 2000,
  location: 100,
  skills: 50,
  skill: 50,
} as const;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimAll = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value;

/**
 * Optional but not nullable: `@IsOptional()` also lets `null` through, which then reaches a
 * NOT NULL column (a 500). An absent field is skipped; `null` is validated, and refused.
 */
const IsOptionalNotNull = () => ValidateIf((_: object, value: unknown) => value !== undefined);

/** Any subset of the editable fields; text is stored as given (trimmed), never interpreted. */
export class UpdateProfileDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: PROFILE_LIMITS.displayName })
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @Length(1, PROFILE_LIMITS.displayName)
  displayName?: string;

  @ApiPropertyOptional({ maxLength: PROFILE_LIMITS.headline })
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @MaxLength(PROFILE_LIMITS.headline)
  headline?: string;

  @ApiPropertyOptional({ maxLength: PROFILE_LIMITS.bio })
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @MaxLength(PROFILE_LIMITS.bio)
  bio?: string;

  @ApiPropertyOptional({ maxLength: PROFILE_LIMITS.location })
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @MaxLength(PROFILE_LIMITS.location)
  location?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: PROFILE_LIMITS.skills,
    description: `Up to ${PROFILE_LIMITS.skills} skills of 1-${PROFILE_LIMITS.skill} characters; duplicates (ignoring case) are dropped`,
  })
  @IsOptionalNotNull()
  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(PROFILE_LIMITS.skills)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(PROFILE_LIMITS.skill, { each: true })
  skills?: string[];
}
