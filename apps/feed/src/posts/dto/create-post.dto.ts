import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

export class CreatePostDto {
  @ApiProperty({ minLength: 1, maxLength: 3000 })
  @IsString()
  @Length(1, 3000)
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
