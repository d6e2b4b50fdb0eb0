"""PyVISA (pyvisa-py backend) reaches the simulated Keysight meter and laser over VXI-11
(TCPIP0::127.0.0.1::instN::INSTR), a VXI-11 client nobody on this project wrote.

pyvisa-py asks the portmapper at port 111 and has no setting for another port; the test serves the
portmapper on an ephemeral port, so this script points pyvisa-py's module constant at it.

Usage: /usr/bin/python3 pyvisa-vxi11.py <portmapper-port>
Prints one JSON object with what it saw; exits 3 with a message when pyvisa/pyvisa-py is missing.
"""
import json
import sys

try:
    import pyvisa
    from pyvisa_py.protocols import rpc
except ImportError as exc:  # pragma: no cover - environment check
    print(f"pyvisa-vxi11: {exc}; install python3-pyvisa and python3-pyvisa-py (.ci/run does)", file=sys.stderr)
    sys.exit(3)

rpc.PMAP_PORT = int(sys.argv[1])
rm = pyvisa.ResourceManager("@py")
result = {}
meter = rm.open_resource("TCPIP0::127.0.0.1::inst0::INSTR", timeout=5000)
try:
    result["idn"] = meter.query("*IDN?").strip()
    meter.write(":SENS1:CHAN1:POW:WAV 1310NM")
    result["wavelength"] = meter.query(":SENS1:CHAN1:POW:WAV?").strip()
    result["chained"] = meter.query(":SENS1:CHAN1:POW:UNIT?;:SENS1:CHAN1:POW:ATIME?").strip()
    result["stb"] = int(meter.read_stb())
    result["error"] = meter.query("SYST:ERR?").strip()
finally:
    meter.close()
laser = rm.open_resource("TCPIP0::127.0.0.1::inst1::INSTR", timeout=5000)
try:
    result["laser_idn"] = laser.query("*IDN?").strip()
finally:
    laser.close()
try:
    rm.open_resource("TCPIP0::127.0.0.1::inst9::INSTR", timeout=2000)
    result["unknown_device"] = "opened"
except Exception as exc:  # the refusal is the point
    result["unknown_device"] = type(exc).__name__
print(json.dumps(result))
