import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '@plaza/platform';

export class SearchProfilesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    maxLength: 100,
    description:
      'Matches handle, display name, headline or a skill (case-insensitive substring; 1-2 characters match handle and name prefixes only). Omitted: everyone, by handle.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(100)
  q?: string;
}
