import { Body, Controller, Get, Param, Patch, Query, UseInterceptors } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { ProfileDto, ProfilePageDto } from './dto/profile.dto';
import { SearchProfilesQueryDto } from './dto/search-profiles-query.dto';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { EnsureProfileInterceptor } from './ensure-profile.interceptor';
import { ProfilesService } from './profiles.service';

@ApiTags('profiles')
@Authenticated()
@UseInterceptors(EnsureProfileInterceptor)
@Controller('api/profiles')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get()
  @ApiOperation({
    summary: 'Search profiles by handle, display name, headline or skill (never anyone with a block either way)',
  })
  @ApiOkResponse({ type: ProfilePageDto })
  @ApiBadRequestResponse({ description: 'Invalid limit, cursor or query' })
  search(@CurrentUser() user: Principal, @Query() query: SearchProfilesQueryDto): Promise<ProfilePageDto> {
    return this.profiles.searchProfiles(user, query);
  }

  @Get('me')
  @ApiOperation({ summary: "The caller's own profile" })
  @ApiOkResponse({ type: ProfileDto })
  me(@CurrentUser() user: Principal): Promise<ProfileDto> {
    return this.profiles.getMe(user);
  }

  @Patch('me')
  @ApiOperation({ summary: 'Edit any of displayName, headline, bio, location, skills' })
  @ApiOkResponse({ type: ProfileDto })
  @ApiBadRequestResponse({ description: 'Unknown field, or a field over its limit' })
  update(@CurrentUser() user: Principal, @Body() body: UpdateProfileDto): Promise<ProfileDto> {
    return this.profiles.updateMe(user, body);
  }

  @Get(':handle')
  @ApiOperation({ summary: 'A profile by handle, with the relationship from the caller' })
  @ApiOkResponse({ type: ProfileDto })
  @ApiNotFoundResponse({ description: 'No such handle, or its owner blocked the caller' })
  get(@CurrentUser() user: Principal, @Param('handle') handle: string): Promise<ProfileDto> {
    return this.profiles.getByHandle(user, handle);
  }
}
