using System;

namespace Crm;

/// <summary>
/// A libcrm call failed. Carries the status code and what libcrm's last error
/// said about it: the message and, where they apply, the field, the rule and
/// the position in a filter. <see cref="Message"/> names the field and the rule
/// too, e.g. "field 'plan', rule 'options': 'gold' is not one of the options
/// (basic, premium)", so that a log line says what a handler would read from
/// <see cref="Field"/> and <see cref="Rule"/>.
/// </summary>
public class CrmException : Exception
{
    /// <summary>Creates an exception for a failed libcrm call.</summary>
    /// <param name="code">The status code the call returned.</param>
    /// <param name="statusName">Its name, e.g. "CRM_E_VALIDATION".</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    public CrmException(StatusCode code, string statusName, string message, string field, string rule)
        : base(message)
    {
        Detail = string.IsNullOrEmpty(message) ? statusName : message;
        Code = code;
        StatusName = statusName;
        Field = field;
        Rule = rule;
    }

    /// <summary>Creates an exception that wraps <paramref name="innerException"/>.</summary>
    /// <param name="code">The status code the call returned.</param>
    /// <param name="statusName">Its name, e.g. "CRM_E_VALIDATION".</param>
    /// <param name="message">libcrm's message.</param>
    /// <param name="field">The field the error is about, or "".</param>
    /// <param name="rule">The rule that was broken, or "".</param>
    /// <param name="innerException">The exception this one wraps.</param>
    protected CrmException(StatusCode code, string statusName, string message, string field, string rule,
        Exception? innerException)
        : base(message, innerException)
    {
        Detail = string.IsNullOrEmpty(message) ? statusName : message;
        Code = code;
        StatusName = statusName;
        Field = field;
        Rule = rule;
    }

    /// <summary>
    /// libcrm's message, with <see cref="Field"/>, <see cref="Rule"/> and
    /// <see cref="Position"/> named where libcrm names the field (or in front):
    /// "field 'F', rule 'R', at byte P: ..."; each part only when it applies,
    /// the position only when libcrm's message does not already say it.
    /// </summary>
    public override string Message => Errors.Describe(Detail, Field, Rule, Position);

    /// <summary>libcrm's message as it gave it (the status name when it gave none).</summary>
    public string Detail { get; }

    /// <summary>The status code the call returned.</summary>
    public StatusCode Code { get; }

    /// <summary>The status code's name, e.g. "CRM_E_VALIDATION".</summary>
    public string StatusName { get; }

    /// <summary>The field the error is about (e.g. "email"), or "" when none applies.</summary>
    public string Field { get; }

    /// <summary>The rule that was broken (e.g. "unique", "options"), or "" when none applies.</summary>
    public string Rule { get; }

    /// <summary>
    /// For an error in a filter text: the byte offset (in the filter's UTF-8
    /// form) the error points at; null when the error is not about a position.
    /// </summary>
    public long? Position { get; internal set; }
}
