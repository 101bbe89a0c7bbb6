/**
 * An error the emulator answers on the wire: HTTP status, `__type` (also sent as `x-amzn-ErrorType`) and
 * `Message`. The SDK turns the type into its exception class (e.g. `InvalidStateException`), or into a
 * generic service exception of that name when the type is not in its model (e.g. `ThrottlingException`).
 *
 * The messages are the emulator's own: App Runner does not publish its error texts, so callers must branch
 * on the type, never on the message.
 */
export class ApiError extends Error {
  /** Builds the error; `type` is the wire `__type`, `httpStatus` the response status. */
  constructor(
    readonly type: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** App Runner's `InvalidRequestException` (400): a parameter is missing, malformed or out of range. */
export function invalidRequest(message: string): ApiError {
  return new ApiError('InvalidRequestException', 400, message);
}

/** App Runner's `InvalidStateException` (400): the service's status does not allow the action. */
export function invalidState(message: string): ApiError {
  return new ApiError('InvalidStateException', 400, message);
}

/** App Runner's `ResourceNotFoundException`: 400, not 404, as the model's httpError trait says. */
export function resourceNotFound(arn: string): ApiError {
  return new ApiError('ResourceNotFoundException', 400, `No App Runner service with ARN ${arn} in this account and Region.`);
}

/** The Tagging API's `InvalidParameterException` (400): its counterpart of `InvalidRequestException`. */
export function invalidParameter(message: string): ApiError {
  return new ApiError('InvalidParameterException', 400, message);
}
