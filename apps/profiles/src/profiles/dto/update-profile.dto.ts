import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';

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

/** Any subset of the editable fields; text is stored as given (trimmed), never interpreted. */
export class UpdateProfileDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: PROFILE_LIMITS.displayName })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, PROFILE_LIMITS.displayName)
  displayName?: string;

  @ApiPropertyOptional({ maxLength: PROFILE_LIMITS.headline })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(PROFILE_LIMITS.headline)
  headline?: string;

  @ApiPropertyOptional({ maxLength: PROFILE_LIMITS.bio })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(PROFILE_LIMITS.bio)
  bio?: string;

  @ApiPropertyOptional({ maxLength: PROFILE_LIMITS.location })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(PROFILE_LIMITS.location)
  location?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: PROFILE_LIMITS.skills,
    description: `Up to ${PROFILE_LIMITS.skills} skills of 1-${PROFILE_LIMITS.skill} characters; duplicates (ignoring case) are dropped`,
  })
  @IsOptional()
  @Transform(trimAll)
  @IsArray()
  @ArrayMaxSize(PROFILE_LIMITS.skills)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(PROFILE_LIMITS.skill, { each: true })
  skills?: string[];
}
