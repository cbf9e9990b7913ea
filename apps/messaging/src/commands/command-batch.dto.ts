import { COMMAND_BATCH_MAX } from '@plaza/realtime';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';

/** The envelope; each command is validated on its own (SendCommandDto), so one bad command fails alone. */
export class CommandBatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(COMMAND_BATCH_MAX)
  commands: unknown[];
}
