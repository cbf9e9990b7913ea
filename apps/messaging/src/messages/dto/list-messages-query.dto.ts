import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { PageQueryDto } from '@plaza/platform';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `limit` and `cursor` as every list; the cursor takes the place of afterSeq/beforeSeq. */
export class ListMessagesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    minimum: 0,
    description: 'Messages with seq greater than this, oldest first (catch-up after a gap)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  afterSeq?: number;

  @ApiPropertyOptional({
    minimum: 1,
    description:
      'The newest messages with seq lower than this (scrolling back). Without either bound: the newest messages.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  beforeSeq?: number;
}
