using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Outpost.Device;

/// <summary>
/// DataAnnotations validation of an options object that works trimmed and under Native AOT: what
/// <c>Validator.TryValidateObject(…, validateAllProperties: true)</c> does, but it finds the properties through
/// the static type it is given (annotated, so the trimmer keeps them and their attributes) instead of through
/// TypeDescriptor on the instance's runtime type, which found no attributes in gwe's AOT binary and so accepted
/// everything. Used by <see cref="DeviceClientOptions"/> and gwe's options.
/// </summary>
internal static class PropertyValidation
{
    /// <summary>Every public property's validation attributes (<c>[Required]</c> first, as the Validator does);
    /// one result per failing property, in declaration order.</summary>
    public static List<ValidationResult> Validate<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(T instance)
        where T : notnull
    {
        var results = new List<ValidationResult>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var attributes = property.GetCustomAttributes<ValidationAttribute>(inherit: true).ToList();
            if (attributes.Count == 0 || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var context = new ValidationContext(instance, typeof(T).Name, null, null) { MemberName = property.Name, DisplayName = property.Name };
            Validator.TryValidateValue(property.GetValue(instance)!, context, results, attributes);
        }

        return results;
    }
}
