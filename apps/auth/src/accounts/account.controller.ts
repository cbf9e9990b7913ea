import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Client, type ClientContext } from '@plaza/platform';
import { Authenticated, CurrentUser, type Principal } from '@plaza/identity';
import { AccountService } from './account.service';
import { ChangePasswordDto, ForgotPasswordDto, ResetPasswordDto, VerifyEmailDto } from './dto/account.dto';

@ApiTags('auth')
@Controller('api/auth')
export class AccountController {
  constructor(private readonly accounts: AccountService) {}

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Change the caller's password; every other session is revoked and its sockets disconnected",
  })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: '`weak_password`: under 10 or over 128 characters, or common/breached' })
  @ApiForbiddenResponse({ description: '`invalid_credentials`: the current password is wrong' })
  @ApiUnauthorizedResponse({ description: 'No valid token' })
  @ApiTooManyRequestsResponse({ description: 'Over LOGIN_ACCOUNT_RATE_LIMIT failures per hour (`rate_limited`)' })
  changePassword(@CurrentUser() principal: Principal, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.accounts.changePassword(principal, dto.currentPassword, dto.newPassword);
  }

  @Post('password/forgot')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Email a single-use reset link (valid 30 min) when the address has an account; same answer either way',
  })
  @ApiAcceptedResponse({ description: 'Accepted, whether or not the email exists' })
  @ApiTooManyRequestsResponse({ description: 'Too many requests for this email or from this IP (`rate_limited`)' })
  async forgotPassword(@Body() dto: ForgotPasswordDto, @Client() client: ClientContext): Promise<void> {
    await this.accounts.forgotPassword(dto.email, client.ip);
  }

  @Post('password/reset')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Set a new password with the token of a reset link; every session of the user is revoked' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: '`invalid_token` (used, expired or unknown) or `weak_password`' })
  resetPassword(@Body() dto: ResetPasswordDto): Promise<void> {
    return this.accounts.resetPassword(dto.token, dto.newPassword);
  }

  @Post('email/verify')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Confirm the email address with the token of a verification link' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: '`invalid_token` (used, expired or unknown)' })
  verifyEmail(@Body() dto: VerifyEmailDto): Promise<void> {
    return this.accounts.verifyEmail(dto.token);
  }

  @Post('email/verify/resend')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Send a new verification email (nothing is sent once the email is verified)' })
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse({ description: 'No valid token' })
  @ApiTooManyRequestsResponse({ description: 'More than 5 per hour (`rate_limited`)' })
  resend(@CurrentUser() principal: Principal): Promise<void> {
    return this.accounts.resendVerification(principal);
  }
}
