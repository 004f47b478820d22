// The board's voice: for each call a chime, then the sentence the server rendered to audio
// (/api/board/speech/<seq>: already said `announcement.repeat` times, at a calm pace), one
// announcement at a time, in order. The browser's own speechSynthesis is only the fallback when
// the server cannot give the audio; it says the sentence as often and as calmly.
//
// Browsers only play sound after someone has touched the page, unless Chromium runs with
// --autoplay-policy=no-user-gesture-required (unattended boards). Until sound is allowed,
// calls are shown but not queued, so no backlog blares out when someone finally taps.

const MAX_PENDING = 6;
const FALLBACK_TIMEOUT_MS = 15000;
const FALLBACK_RATE = 0.85; // of the browser voice's normal pace
// "Ding-dong": E5 then C5, each fading out.
const CHIME = [
  { frequency: 659.25, start: 0, length: 1.0 },
  { frequency: 523.25, start: 0.5, length: 1.3 },
];

export class Announcer {
  constructor(onChange = () => {}, repeat = 1) {
    const Context = window.AudioContext || window.webkitAudioContext;
    this.context = Context ? new Context() : null;
    this.repeat = repeat;
    this.pending = [];
    this.playing = false;
    if (this.context) this.context.addEventListener("statechange", onChange);
  }

  // Whether the browser lets this page play sound now.
  get enabled() {
    return Boolean(this.context) && this.context.state === "running";
  }

  // Called from a tap on "enable sound": browsers allow audio from then on.
  enable() {
    return this.context ? this.context.resume() : Promise.resolve();
  }

  say(call) {
    if (!this.enabled) return;
    this.pending.push({ call, audio: this.load(call.seq) });
    while (this.pending.length > MAX_PENDING) this.pending.shift();
    if (!this.playing) this.drain();
  }

  async load(seq) {
    try {
      const response = await fetch(`/api/board/speech/${encodeURIComponent(seq)}`);
      if (!response.ok) return null;
      return await this.context.decodeAudioData(await response.arrayBuffer());
    } catch {
      return null;
    }
  }

  async drain() {
    this.playing = true;
    while (this.pending.length) {
      const { call, audio } = this.pending.shift();
      try {
        await this.chime();
        const buffer = await audio;
        if (buffer) await this.play(buffer);
        else await speakWithBrowser(call.announcement, this.repeat);
      } catch (error) {
        console.error("announcement failed", error);
      }
    }
    this.playing = false;
  }

  chime() {
    const context = this.context;
    const begin = context.currentTime + 0.05;
    let last = null;
    for (const note of CHIME) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      const start = begin + note.start;
      oscillator.type = "sine";
      oscillator.frequency.value = note.frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.6, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + note.length);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + note.length);
      last = oscillator;
    }
    return ended(last, CHIME.at(-1).start + CHIME.at(-1).length);
  }

  play(buffer) {
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    source.start();
    return ended(source, buffer.duration);
  }
}

// Resolves when an audio node has finished, or a second after it should have (a suspended
// audio context never says "ended", and the queue must not stall).
function ended(node, seconds) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, (seconds + 1) * 1000);
    node.addEventListener("ended", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// The fallback: the browser's own voice, if it has any (headless browsers have none), `times`
// times over.
async function speakWithBrowser(sentence, times) {
  for (let time = 0; time < times; time++) await speakOnce(sentence);
}

function speakOnce(sentence) {
  const synth = window.speechSynthesis;
  if (!synth || !sentence || synth.getVoices().length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const utterance = new SpeechSynthesisUtterance(sentence);
    utterance.lang = "id-ID";
    utterance.rate = FALLBACK_RATE;
    const voice = synth.getVoices().find((each) => each.lang.toLowerCase().startsWith("id"));
    if (voice) utterance.voice = voice;
    const timer = setTimeout(resolve, FALLBACK_TIMEOUT_MS);
    const finished = () => {
      clearTimeout(timer);
      resolve();
    };
    utterance.addEventListener("end", finished);
    utterance.addEventListener("error", finished);
    synth.speak(utterance);
  });
}
