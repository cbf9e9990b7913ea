import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export const REACTION_TYPES = ['like', 'celebrate', 'support', 'insightful'] as const;
export type ReactionType = (typeof REACTION_TYPES)[number];

export class ReactionDto {
  @ApiProperty({ enum: REACTION_TYPES })
  @IsIn(REACTION_TYPES)
  type: ReactionType;
}
