import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class MarkReadDto {
  @ApiProperty({
    minimum: 0,
    description:
      'Seq of the newest message the caller has read. The read position never moves back; a seq past the newest message counts as the newest.',
  })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  seq: number;
}
