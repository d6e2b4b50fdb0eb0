"""PyVISA (pyvisa-py backend) against `benchctl sim`: a client nobody on this project wrote.

Usage: /usr/bin/python3 pyvisa-interop.py <meter-port> <laser-port> <voa-port>
Prints one JSON object with what it saw; exits 3 with a message when pyvisa/pyvisa-py is missing.
"""
import json
import sys

try:
    import pyvisa
    import pyvisa_py  # noqa: F401  (the '@py' backend)
except ImportError as exc:  # pragma: no cover - environment check
    print(f"pyvisa-interop: {exc}; install python3-pyvisa and python3-pyvisa-py (.ci/run does)", file=sys.stderr)
    sys.exit(3)

LOG_POINTS = 25

meter_port = int(sys.argv[1])
laser_port = int(sys.argv[2])
voa_port = int(sys.argv[3])
rm = pyvisa.ResourceManager("@py")


def open_socket(port):
    return rm.open_resource(
        f"TCPIP0::127.0.0.1::{port}::SOCKET", read_termination="\n", write_termination="\n", timeout=10000
    )


def log(meter, port):
    """Runs one free-running log on a meter port; returns the states polled and the floats read back."""
    meter.write(f":TRIG{port}:INP IGN")
    meter.write(f":SENS{port}:CHAN1:POW:UNIT 1")
    meter.write(f":SENS{port}:CHAN1:FUNC:PAR:LOGG {LOG_POINTS},100US")
    meter.write(f":SENS{port}:CHAN1:FUNC:STAT LOGG,STAR")
    states = []
    for _ in range(200):
        state = meter.query(f":SENS{port}:CHAN1:FUNC:STAT?")
        states.append(state)
        if "COMPLETE" in state:
            break
    values = meter.query_binary_values(f":SENS{port}:CHAN1:FUNC:RES?", datatype="f", is_big_endian=False)
    return states, [float(v) for v in values]


meter = open_socket(meter_port)
laser = open_socket(laser_port)
voa = open_socket(voa_port)
result = {"resource": meter.resource_name, "log_points": LOG_POINTS}
try:
    result["idn"] = meter.query("*IDN?")
    meter.write("*CLS")
    meter.write(":BOGUS:HEADER 1")
    result["error_after_bad_command"] = meter.query("SYST:ERR?")
    result["error_after_that"] = meter.query("SYST:ERR?")

    result["logging_states"], result["logged"] = log(meter, 1)
    # Light on the input monitor (1 % tap after the VOA, meter port 2), so the log holds distinct noisy values.
    voa.write(":INP1:ATT 0DB")
    voa.write(":OUTP1:STAT 1")
    result["voa_error"] = voa.query("SYST:ERR?")
    laser.write(":SOUR0:POW 0DBM")
    laser.write(":SOUR0:POW:STAT 1")
    result["laser_on"] = laser.query(":SOUR0:POW:STAT?")
    result["tap_states"], result["tap_logged"] = log(meter, 2)
    laser.write(":SOUR0:POW:STAT 0")
    result["laser_error"] = laser.query("SYST:ERR?")
    result["final_error"] = meter.query("SYST:ERR?")
finally:
    voa.close()
    laser.close()
    meter.close()
    rm.close()
print(json.dumps(result))
