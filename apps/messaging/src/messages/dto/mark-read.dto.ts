import { ApiProperty } from '@nestjs/swagger';
import { ReadPositionFields } from '@plaza/realtime';

/** Validated by the shared socket-command schema (`@plaza/realtime`); documented here. */
export class MarkReadDto extends ReadPositionFields {
  @ApiProperty({
    minimum: 0,
    description:
      'Seq of the newest message the caller has read. The read position never moves back; a seq past the newest message counts as the newest.',
  })
  declare seq: number;
}
