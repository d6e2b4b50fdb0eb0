"""PyVISA (pyvisa-py backend) reads the simulated Santec TSL-570 the way Santec's own samples do: the limit
queries, a continuous sweep with step triggers, then `:READout:POINts?` and `:READout:DATa?` decoded with
`query_binary_values(datatype='i')` (int32, little-endian) and divided by 10 000 to get nm.

Usage: /usr/bin/python3 pyvisa-santec.py <laser-santec-port>
Prints one JSON object with what it saw; exits 3 with a message when pyvisa/pyvisa-py is missing.
"""
import json
import sys

try:
    import pyvisa
    import pyvisa_py  # noqa: F401  (the '@py' backend)
except ImportError as exc:  # pragma: no cover - environment check
    print(f"pyvisa-santec: {exc}; install python3-pyvisa and python3-pyvisa-py (.ci/run does)", file=sys.stderr)
    sys.exit(3)

rm = pyvisa.ResourceManager("@py")
tsl = rm.open_resource(
    f"TCPIP0::127.0.0.1::{int(sys.argv[1])}::SOCKET", read_termination="\r", write_termination="\r", timeout=10000
)
result = {}
try:
    result["idn"] = tsl.query("*IDN?")
    result["limits"] = [tsl.query(q) for q in (":WAV:MIN?", ":WAV:MAX?", ":WAV:FREQ:MIN?", ":WAV:FREQ:MAX?", ":POW:LEV:MIN?", ":POW:LEV:MAX?")]
    tsl.write(":WAV:UNIT 1")
    result["unit"] = tsl.query(":WAV:UNIT?")
    tsl.write(":WAV:UNIT 0")
    for command in (":POW:STAT 1", ":POW:SHUT 0", ":WAV:SWE:MOD 1", ":WAV:SWE:STAR 1550", ":WAV:SWE:STOP 1552",
                    ":WAV:SWE:SPE 10", ":TRIG:OUTP 3", ":TRIG:OUTP:STEP 0.01", ":WAV:SWE 1"):
        tsl.write(command)
    states = []
    for _ in range(200):
        states.append(tsl.query(":WAV:SWE?"))
        if states[-1] == "0":
            break
    result["states"] = states
    result["points"] = int(tsl.query(":READout:POINts?"))
    raw = tsl.query_binary_values(":READout:DATa?", datatype="i", is_big_endian=False)
    result["log_nm"] = [v / 10000 for v in raw]
    result["wavelength_after"] = tsl.query(":WAV?")
    result["error"] = tsl.query("SYST:ERR?")
finally:
    tsl.close()
    rm.close()
print(json.dumps(result))
