import { Controller, Get, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQueryDto } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { ProfilePageDto } from '../profiles/dto/profile.dto';
import { EnsureProfileInterceptor } from '../profiles/ensure-profile.interceptor';
import { SuggestionsService } from './suggestions.service';

/** `GET /api/profiles/me/suggestions`: built on the graph, so it lives above the profiles layer. */
@ApiTags('profiles')
@Authenticated()
@UseInterceptors(EnsureProfileInterceptor)
@Controller('api/profiles')
export class SuggestionsController {
  constructor(private readonly suggestions: SuggestionsService) {}

  @Get('me/suggestions')
  @ApiOperation({
    // The id it had when ProfilesController served it: generated clients keep their names.
    operationId: 'ProfilesController_suggest',
    summary: 'People you may know: second-degree connections (most mutual connections first), then your followers',
  })
  @ApiOkResponse({ type: ProfilePageDto })
  suggest(@CurrentUser() user: Principal, @Query() query: PageQueryDto): Promise<ProfilePageDto> {
    return this.suggestions.suggest(user, query);
  }
}
