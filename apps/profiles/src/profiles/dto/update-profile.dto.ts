import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsPlazaText, TEXT_RULES } from '@plaza/text';
import { ArrayMaxSize, IsArray, ValidateIf } from 'class-validator';

export const PROFILE_LIMITS = {
  displayName: 80,
  headline: 160,
  bio: 2000,
  location: 100,
  skills: 50,
  skill: 50,
} as const;

/**
 * Optional but not nullable: `@IsOptional()` also lets `null` through, which then reaches a
 * NOT NULL column (a 500). An absent field is skipped; `null` is validated, and refused.
 */
const IsOptionalNotNull = () => ValidateIf((_: object, value: unknown) => value !== undefined);

/** Any subset of the editable fields; text is stored as given (trimmed), never interpreted. */
export class UpdateProfileDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: PROFILE_LIMITS.displayName,
    description: 'Trimmed, NFC; a visible character required; no control or bidi override characters',
  })
  @IsOptionalNotNull()
  @IsPlazaText(TEXT_RULES.displayName, { trim: true })
  displayName?: string;

  @ApiPropertyOptional({ maxLength: PROFILE_LIMITS.headline })
  @IsOptionalNotNull()
  @IsPlazaText(TEXT_RULES.headline, { trim: true })
  headline?: string;

  @ApiPropertyOptional({ maxLength: PROFILE_LIMITS.bio })
  @IsOptionalNotNull()
  @IsPlazaText(TEXT_RULES.bio, { trim: true })
  bio?: string;

  @ApiPropertyOptional({ maxLength: PROFILE_LIMITS.location })
  @IsOptionalNotNull()
  @IsPlazaText(TEXT_RULES.location, { trim: true })
  location?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: PROFILE_LIMITS.skills,
    description: `Up to ${PROFILE_LIMITS.skills} skills of 1-${PROFILE_LIMITS.skill} characters; duplicates (ignoring case) are dropped`,
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(PROFILE_LIMITS.skills)
  @IsPlazaText(TEXT_RULES.skill, { trim: true, each: true })
  skills?: string[];
}
