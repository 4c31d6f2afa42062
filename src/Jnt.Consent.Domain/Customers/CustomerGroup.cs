namespace Jnt.Consent.Domain;

/// <summary>Asiakasryhmä. It decides which law applies: §200 protects consumers more than businesses.</summary>
public enum CustomerGroup
{
    /// <summary>A natural person.</summary>
    Consumer = 1,

    /// <summary>A legal person.</summary>
    Business = 2,
}
