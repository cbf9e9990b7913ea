import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsPlazaText, TEXT_RULES } from '@plaza/text';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsUUID } from 'class-validator';

export const GROUP_MAX_MEMBERS = 256;

export const trimString = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export class CreateConversationDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: 100,
    description:
      'The other members (the caller is always a member and may be omitted). One other member: the direct conversation of the pair (200 when it exists). More: a group of connections of the caller.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  memberIds: string[];

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 100,
    description: 'Groups only (trimmed); ignored for a direct conversation',
  })
  @IsOptional()
  @IsPlazaText(TEXT_RULES.conversationTitle, { trim: true })
  title?: string;
}
