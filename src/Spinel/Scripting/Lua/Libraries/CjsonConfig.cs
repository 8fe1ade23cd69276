namespace Spinel.Scripting.Lua.Libraries;

/// <summary>
/// The settings of one cjson module table (each <c>cjson.new()</c> has its own), with lua-cjson's defaults.
/// Enum-like options hold lua-cjson's option index: 0 "off", 1 "on", 2 "null" (encode_invalid_numbers only).
/// </summary>
internal sealed class CjsonConfig
{
    public int EncodeSparseConvert;
    public int EncodeSparseRatio = 2;
    public int EncodeSparseSafe = 10;
    public int EncodeMaxDepth = 1000;
    public int EncodeInvalidNumbers;
    public int EncodeNumberPrecision = 14;
    public int EncodeKeepBuffer = 1;
    public int DecodeInvalidNumbers = 1;
    public int DecodeMaxDepth = 1000;
}
