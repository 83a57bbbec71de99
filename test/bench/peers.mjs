// The peers the benchmark compares against: each returns a function that checks one file's text
// and returns its number of findings, or -1 when the peer threw on that file.
export async function peerWork(mode) {
  const check = await peerCheck(mode);
  return (text) => {
    try {
      return check(text);
    } catch {
      return -1;
    }
  };
}

async function peerCheck(mode) {
  if (mode === 'parse') {
    const { DockerfileParser } = await import('dockerfile-ast');
    return (text) => DockerfileParser.parse(text).getInstructions().length;
  }
  if (mode === 'dockerfilelint') {
    const { default: dockerfilelint } = await import('dockerfilelint');
    return (text) => dockerfilelint.run(process.cwd(), text).length;
  }
  if (mode === 'utils') {
    const { validate } = await import('dockerfile-utils');
    return (text) => validate(text).length;
  }
  throw new Error(`unknown peer '${mode}'`);
}
