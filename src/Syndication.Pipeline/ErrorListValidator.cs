using Microsoft.Extensions.Options;

namespace Syndication.Pipeline;

/// <summary>Start-up validation for settings classes that name their own errors (<c>Validate()</c> returns one message per bad setting).</summary>
internal sealed class ErrorListValidator<T>(Func<T, IReadOnlyList<string>> validate) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var errors = validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
