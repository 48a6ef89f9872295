using System;

namespace Crm;

/// <summary>
/// A libcrm call failed. Carries the status code and what libcrm's last error
/// said about it: the message and, where they apply, the field and the rule.
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
        : base(string.IsNullOrEmpty(message) ? statusName : message)
    {
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
        : base(string.IsNullOrEmpty(message) ? statusName : message, innerException)
    {
        Code = code;
        StatusName = statusName;
        Field = field;
        Rule = rule;
    }

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
