// SVG files are imported as strings (the builder's and jest's raw loaders).
declare module '*.svg' {
  const value: string;
  export default value;
}
