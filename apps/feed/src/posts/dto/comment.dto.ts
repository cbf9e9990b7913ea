import { ApiProperty } from '@nestjs/swagger';
import { IsPlazaText, TEXT_RULES } from '@plaza/text';
import { AuthorDto } from './post.dto';

export class CreateCommentDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 1000,
    description: 'NFC; 1-1000 user-perceived characters, a visible one among them',
  })
  @IsPlazaText(TEXT_RULES.comment)
  text: string;
}

export class CommentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  postId: string;

  @ApiProperty({ type: AuthorDto })
  author: AuthorDto;

  @ApiProperty()
  text: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CommentPageDto {
  @ApiProperty({ type: [CommentDto], description: 'Oldest first' })
  items: CommentDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
