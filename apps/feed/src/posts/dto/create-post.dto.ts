import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsPlazaText, TEXT_RULES } from '@plaza/text';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

export class CreatePostDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 3000,
    description: 'NFC; 1-3000 user-perceived characters, a visible one among them',
  })
  @IsPlazaText(TEXT_RULES.post)
  text: string;

  @ApiPropertyOptional({
    enum: ['public', 'connections'],
    default: 'public',
    description: "`connections`: only the author's connections see it",
  })
  @IsOptional()
  @IsIn(['public', 'connections'])
  visibility?: 'public' | 'connections';

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    description: 'Retrying with the same key returns the post first created with it',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  idempotencyKey?: string;
}
